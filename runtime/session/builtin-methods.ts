/**
 * The session methods the client itself calls (service content, login,
 * logout, keepalive, the STS address setting). The runtime never imports generated code, so these few
 * are written here; test/runtime/builtin-methods.test.ts checks them against the
 * default release's generated descriptors, test/generator/all-releases.test.ts
 * against every release's. Together with property/methods.ts
 * (the PropertyCollector, view and search methods) this is the whole list;
 * each method is written once.
 */
import type { Descriptor } from "../client/descriptor.js";
import type { DataObject } from "../types.js";
import type { FieldSchema } from "../schema.js";

const mo = (moType: string): FieldSchema => ({ name: "_this", type: "ManagedObjectReference", moType });

export const RetrieveServiceContent: Descriptor<"ServiceInstance", Record<string, never>, DataObject> = {
  name: "RetrieveServiceContent",
  params: [mo("ServiceInstance")],
  returns: { name: "returnval", type: "ServiceContent" },
  safe: true,
  since: "2.0",
};

export const Login: Descriptor<"SessionManager", { userName: string; password: string; locale?: string }, DataObject> = {
  name: "Login",
  params: [mo("SessionManager"), { name: "userName", type: "string" }, { name: "password", type: "string" }, { name: "locale", type: "string", optional: true }],
  returns: { name: "returnval", type: "UserSession" },
  safe: false,
  since: "2.0",
};

export const LoginByToken: Descriptor<"SessionManager", { locale?: string }, DataObject> = {
  name: "LoginByToken",
  params: [mo("SessionManager"), { name: "locale", type: "string", optional: true }],
  returns: { name: "returnval", type: "UserSession" },
  safe: false,
  since: "5.1",
};

export const Logout: Descriptor<"SessionManager", Record<string, never>, void> = {
  name: "Logout",
  params: [mo("SessionManager")],
  safe: false,
  since: "2.0",
};

/** Needs a session (System.View) on vCenter and vcsim alike, so on a dead session it faults NotAuthenticated at method level. */
export const CurrentTime: Descriptor<"ServiceInstance", Record<string, never>, Date> = {
  name: "CurrentTime",
  params: [mo("ServiceInstance")],
  returns: { name: "returnval", type: "dateTime" },
  safe: true,
  since: "2.0",
};

/** Reads settings such as `config.vpxd.sso.sts.uri` (the SSO token service's address). */
export const QueryOptions: Descriptor<"OptionManager", { name?: string }, readonly DataObject[] | undefined> = {
  name: "QueryOptions",
  params: [mo("OptionManager"), { name: "name", type: "string", optional: true }],
  returns: { name: "returnval", type: "OptionValue", array: true, optional: true },
  safe: true,
  since: "2.0",
};
