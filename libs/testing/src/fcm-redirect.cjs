// Preloaded into the server by the push benchmark (node --require): firebase-admin, unchanged,
// reaches Google at oauth2.googleapis.com (its token exchange: google-auth-library, node-fetch,
// https.request) and at fcm.googleapis.com (sends, over HTTP/2); this sends those two hosts to the
// local stand-in (bench/generators/fcm-standin.mts) instead. Nothing else is touched.
'use strict';
const http = require('node:http');
const https = require('node:https');
const http2 = require('node:http2');

const OAUTH = 'https://oauth2.googleapis.com';
const oauthOrigin = `http://127.0.0.1:${Number(process.env.FCM_STANDIN_OAUTH_PORT)}`;
const fcmOrigin = `http://127.0.0.1:${Number(process.env.FCM_STANDIN_FCM_PORT)}`;

const request = https.request;
https.request = function redirectedRequest(input, ...rest) {
  const url = typeof input === 'string' || input instanceof URL ? String(input) : undefined;
  if (url?.startsWith(`${OAUTH}/`)) {
    const [options, callback] = typeof rest[0] === 'function' ? [{}, rest[0]] : rest;
    return http.request(url.replace(OAUTH, oauthOrigin), { ...options, agent: undefined }, callback);
  }
  return request.call(this, input, ...rest);
};

const connect = http2.connect;
http2.connect = function redirectedConnect(authority, ...rest) {
  if (!String(authority).includes('fcm.googleapis.com')) return connect.call(this, authority, ...rest);
  const session = connect.call(this, fcmOrigin, ...rest);
  // firebase-admin sends ':scheme' as its URL's protocol ('https:'); Node's cleartext HTTP/2 server
  // resets such a stream, so the stand-in is sent 'http'.
  const streamRequest = session.request;
  session.request = function request(headers, ...more) {
    return streamRequest.call(this, { ...headers, ':scheme': 'http' }, ...more);
  };
  return session;
};
