/// Renders the two system units from the charm's `templates/` text.
public enum SystemdUnits {
  /// The path `npm install -g` gives the CLI with NodeSource's Node.js, whose global prefix is `/usr`.
  public static let defaultOpenClawPath = "/usr/bin/openclaw"

  /// Returns `openclaw.service`, which runs the gateway.
  /// - Throws: `TemplateError` when the template and the charm disagree on placeholders.
  public static func gateway(template: String, openclawPath: String = defaultOpenClawPath) throws -> String {
    try Template.render(template, name: "openclaw.service", ["openclaw_path": openclawPath])
  }

  /// Returns `openclaw-node.service`, which runs a node connected to the gateway in `settings`.
  ///
  /// With a fingerprint the node connects over TLS and pins the gateway's certificate. Without one it connects in
  /// plaintext, which OpenClaw allows to a private IP literal only with `OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1`.
  /// The gateway token comes from the environment file, never a flag.
  /// - Throws: `TemplateError` when the template and the charm disagree on placeholders.
  public static func node(
    template: String, _ settings: NodeSettings, openclawPath: String = defaultOpenClawPath
  ) throws -> String {
    try Template.render(
      template, name: "openclaw-node.service",
      [
        "openclaw_path": openclawPath,
        "gateway_host": settings.gatewayHost,
        "gateway_port": String(settings.gatewayPort),
        "display_name": settings.displayName,
        "transport_environment": settings.tlsFingerprint == nil
          ? "Environment=OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1" : "# TLS is on: the node pins the gateway's certificate.",
        "tls_flags": settings.tlsFingerprint.map { " --tls --tls-fingerprint \($0)" } ?? "",
      ])
  }
}
