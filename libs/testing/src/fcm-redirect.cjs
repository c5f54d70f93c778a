// Sends firebase-admin's two Google hosts to a local FCM stand-in, firebase-admin itself unchanged:
// oauth2.googleapis.com (its token exchange: google-auth-library, https.request) to an HTTP/1.1
// origin, and fcm.googleapis.com (sends, over HTTP/2) to a cleartext HTTP/2 origin. Nothing else
// is touched.
// - In a test process: require it and call redirectFirebase({ oauthOrigin, fcmOrigin }) (returns undo).
// - Preloaded into a server (node --require, the push benchmark): FCM_STANDIN_OAUTH_PORT and
//   FCM_STANDIN_FCM_PORT name the stand-in's ports on 127.0.0.1.
'use strict';
const http = require('node:http');
const https = require('node:https');
const http2 = require('node:http2');

const OAUTH = 'https://oauth2.googleapis.com';

function redirectFirebase({ oauthOrigin, fcmOrigin }) {
  const request = https.request;
  const connect = http2.connect;
  https.request = function redirectedRequest(input, ...rest) {
    const url = typeof input === 'string' || input instanceof URL ? String(input) : undefined;
    if (url?.startsWith(`${OAUTH}/`)) {
      const [options, callback] = typeof rest[0] === 'function' ? [{}, rest[0]] : rest;
      return http.request(url.replace(OAUTH, oauthOrigin), { ...options, agent: undefined }, callback);
    }
    return request.call(this, input, ...rest);
  };
  http2.connect = function redirectedConnect(authority, ...rest) {
    if (!String(authority).includes('fcm.googleapis.com')) return connect.call(this, authority, ...rest);
    const session = connect.call(this, fcmOrigin, ...rest);
    // firebase-admin sends ':scheme' as its URL's protocol ('https:'); Node's cleartext HTTP/2 server
    // resets such a stream, so the stand-in is sent 'http'.
    const streamRequest = session.request;
    session.request = function redirectedStream(headers, ...more) {
      return streamRequest.call(this, { ...headers, ':scheme': 'http' }, ...more);
    };
    return session;
  };
  return () => {
    https.request = request;
    http2.connect = connect;
  };
}

if (process.env.FCM_STANDIN_FCM_PORT) {
  redirectFirebase({
    oauthOrigin: `http://127.0.0.1:${Number(process.env.FCM_STANDIN_OAUTH_PORT)}`,
    fcmOrigin: `http://127.0.0.1:${Number(process.env.FCM_STANDIN_FCM_PORT)}`,
  });
}

module.exports = { redirectFirebase };
