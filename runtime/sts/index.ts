export { StsClient, DEFAULT_TOKEN_LIFETIME_MS, MAX_STS_RESPONSE_BYTES, type StsClientOptions, type IssueRequest, type RenewRequest } from "./sts-client.js";
export { SamlToken, type TokenConfirmation, type TokenLifetime } from "./token.js";
export { SigningKey } from "./wsse.js";
export { discoverStsUrl, STS_URI_SETTING, DEFAULT_SSO_DOMAIN, type StsEndpoint } from "./discover.js";
export { startTokenRenewal, type TokenRenewal, type TokenRenewalOptions } from "./renewal.js";
