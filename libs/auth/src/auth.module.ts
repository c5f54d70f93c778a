import { DynamicModule, Global, Module, ModuleMetadata, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '@app/common';
import { JwtAuthGuard, RolesGuard } from './guards';
import { IdentityProviderTokens } from './identity-provider-tokens';
import { TokenPolicy, TokenService } from './token.service';
import { TokenSubjects } from './token-subjects';

/** Where the application's TokenSubjects come from: the module that provides them, and the class. */
export interface SubjectsSource {
  imports: ModuleMetadata['imports'];
  useExisting: Type<TokenSubjects>;
}

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [
    TokenService,
    {
      provide: TokenPolicy,
      inject: [AppConfig],
      useFactory: ({ auth }: AppConfig) => new TokenPolicy(auth.acceptHs256, auth.provider ? new IdentityProviderTokens(auth.provider) : undefined),
    },
  ],
  exports: [TokenService],
})
export class AuthModule {
  /** Tokens whose subjects are the users `subjects` knows. */
  static forSubjects(subjects: SubjectsSource): DynamicModule {
    return {
      module: AuthModule,
      imports: subjects.imports,
      providers: [{ provide: TokenSubjects, useExisting: subjects.useExisting }],
    };
  }

  /** The same, and guarding every HTTP route of the application that imports this (APP_GUARD, in this order). */
  static withGlobalGuards(subjects: SubjectsSource): DynamicModule {
    const module = AuthModule.forSubjects(subjects);
    return {
      ...module,
      providers: [...module.providers!, { provide: APP_GUARD, useClass: JwtAuthGuard }, { provide: APP_GUARD, useClass: RolesGuard }],
    };
  }
}
