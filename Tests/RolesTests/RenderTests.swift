import Roles
import Testing

/// Rendered files match their golden files byte for byte.
@Suite struct RenderTests {
  let gateway = GatewaySettings(
    address: "10.0.0.5", port: 18789, nodeAddresses: ["10.0.0.7", "10.0.0.6"],
    assistant: [
      "agents": .object([
        "defaults": .object([
          "model": .object(["primary": .string("anthropic/claude-opus-4-5"), "fallbacks": .array([.string("openai/gpt-5")])])
        ])
      ])
    ])
  let node = NodeSettings(gatewayHost: "10.0.0.5", gatewayPort: 18789, displayName: "openclaw/1")

  @Test func gatewayConfig() {
    assertSnapshot(OpenClawConfig.gateway(gateway), named: "gateway-openclaw.json")
  }

  @Test func gatewayConfigWithoutModel() {
    let settings = GatewaySettings(address: "10.0.0.5", port: 20000, nodeAddresses: [])
    assertSnapshot(OpenClawConfig.gateway(settings), named: "gateway-openclaw-no-model.json")
  }

  @Test func nodeConfig() {
    assertSnapshot(OpenClawConfig.node(node), named: "node-openclaw.json")
  }

  @Test func gatewayUnit() throws {
    assertSnapshot(try SystemdUnits.gateway(template: templateText("openclaw.service")), named: "openclaw.service")
  }

  @Test func nodeUnit() throws {
    assertSnapshot(
      try SystemdUnits.node(template: templateText("openclaw-node.service"), node), named: "openclaw-node.service")
  }

  @Test func gatewayConfigWithTLS() {
    var settings = GatewaySettings(address: "10.0.0.5", port: 18789, nodeAddresses: ["10.0.0.6"])
    settings.tls = GatewayTLS(certificatePath: "/var/lib/openclaw/tls/gateway.crt", keyPath: "/var/lib/openclaw/tls/gateway.key")
    assertSnapshot(OpenClawConfig.gateway(settings), named: "gateway-openclaw-tls.json")
  }

  @Test func nodeConfigWithTLS() {
    var settings = node
    settings.tlsFingerprint = String(repeating: "ab", count: 32)
    assertSnapshot(OpenClawConfig.node(settings), named: "node-openclaw-tls.json")
  }

  @Test func nodeUnitWithTLS() throws {
    var settings = node
    settings.tlsFingerprint = String(repeating: "ab", count: 32)
    assertSnapshot(
      try SystemdUnits.node(template: templateText("openclaw-node.service"), settings), named: "openclaw-node-tls.service")
  }

  @Test func environmentFileQuotesAndSorts() throws {
    let text = try EnvironmentFile.render(["OPENCLAW_GATEWAY_TOKEN": "abc", "ANTHROPIC_API_KEY": #"sk"x\y"#])
    assertSnapshot(text, named: "gateway.env")
  }
}

/// Rendering rejects what would corrupt a file.
@Suite struct RenderRejectionTests {
  @Test func templateMissingValue() {
    #expect(throws: TemplateError.missingValue(template: "t", placeholder: "port")) {
      try Template.render("Port={{port}}", name: "t", [:])
    }
  }

  @Test func templateValueWithNewline() {
    #expect(throws: TemplateError.self) {
      try Template.render("Name={{name}}", name: "t", ["name": "a\nExecStartPre=/bin/evil"])
    }
  }

  @Test func environmentValueWithNewline() {
    #expect(throws: EnvironmentFileError.invalidValue(name: "KEY")) {
      try EnvironmentFile.render(["KEY": "a\nOTHER=b"])
    }
  }

  @Test func environmentBadName() {
    #expect(throws: EnvironmentFileError.invalidName("bad-name")) {
      try EnvironmentFile.render(["bad-name": "x"])
    }
  }

  @Test func nodeUnitRejectsHostileDisplayName() {
    let node = NodeSettings(gatewayHost: "10.0.0.5", gatewayPort: 1, displayName: "x\nUser=root")
    #expect(throws: TemplateError.self) {
      try SystemdUnits.node(template: templateText("openclaw-node.service"), node)
    }
  }
}
