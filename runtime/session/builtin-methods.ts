/**
 * The few vim25 methods the runtime itself calls (service content, login,
 * keepalive, session check). Restated here because the runtime never imports
 * generated code; they match the WSDL, so a generated descriptor of the same
 * name registers the same schema.
 */
import type { MethodSchema } from "../schema.js";

const mo = (moType: string) => ({ name: "_this", type: "ManagedObjectReference", moType });

export const RetrieveServiceContent: MethodSchema = {
  name: "RetrieveServiceContent",
  params: [mo("ServiceInstance")],
  returns: { name: "returnval", type: "ServiceContent" },
  safe: true,
};

export const Login: MethodSchema = {
  name: "Login",
  params: [mo("SessionManager"), { name: "userName", type: "string" }, { name: "password", type: "string" }, { name: "locale", type: "string", optional: true }],
  returns: { name: "returnval", type: "UserSession" },
  safe: false,
};

export const LoginByToken: MethodSchema = {
  name: "LoginByToken",
  params: [mo("SessionManager"), { name: "locale", type: "string", optional: true }],
  returns: { name: "returnval", type: "UserSession" },
  safe: false,
};

export const Logout: MethodSchema = {
  name: "Logout",
  params: [mo("SessionManager")],
  safe: false,
};

export const CurrentTime: MethodSchema = {
  name: "CurrentTime",
  params: [mo("ServiceInstance")],
  returns: { name: "returnval", type: "dateTime" },
  safe: true,
};

export const RetrievePropertiesEx: MethodSchema = {
  name: "RetrievePropertiesEx",
  params: [mo("PropertyCollector"), { name: "specSet", type: "PropertyFilterSpec", array: true }, { name: "options", type: "RetrieveOptions" }],
  returns: { name: "returnval", type: "RetrieveResult", optional: true },
  safe: true,
};

/** Reads settings such as `config.vpxd.sso.sts.uri` (the SSO token service's address). */
export const QueryOptions: MethodSchema = {
  name: "QueryOptions",
  params: [mo("OptionManager"), { name: "name", type: "string", optional: true }],
  returns: { name: "returnval", type: "OptionValue", array: true, optional: true },
  safe: true,
};

export const BUILTIN_METHODS: readonly MethodSchema[] = [RetrieveServiceContent, Login, LoginByToken, Logout, CurrentTime, RetrievePropertiesEx, QueryOptions];
