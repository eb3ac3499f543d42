// Shared by the examples: where to connect. `npm run vcsim` prints these values.
export interface Target {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** SHA-256 thumbprint of the server certificate (vcsim prints VCSIM_THUMBPRINT). */
  readonly thumbprint: string;
}

export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): Target {
  const { VSPHERE_URL: url, VSPHERE_USER: username = "user", VSPHERE_PASSWORD: password = "pass", VSPHERE_THUMBPRINT: thumbprint } = env;
  if (!url || !thumbprint) throw new Error("set VSPHERE_URL and VSPHERE_THUMBPRINT (see `npm run vcsim`)");
  return { url, username, password, thumbprint };
}
