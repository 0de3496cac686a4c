/** How `/s3` recognises its callers. */
export interface S3Credentials {
  /**
   * The key pair (`S3_PROTOCOL_ACCESS_KEY_ID` / `S3_PROTOCOL_ACCESS_KEY_SECRET`) whose requests run as
   * service_role. Without it only session-token requests are accepted.
   */
  readonly accessKey?: { readonly id: string; readonly secret: string };
  /**
   * The secret of session-token mode, where a user's JWT travels as the session token and any access key
   * id is accepted: the project's anon key, as Supabase documents it. Without it that mode is off.
   */
  readonly sessionTokenSecret?: string;
}
