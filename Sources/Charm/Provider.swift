/// An AI model provider OpenClaw supports, and the environment variable its API key goes in.
public struct Provider: Sendable, Equatable {
  /// The name operators use in `ai-provider`, `ai-model` prefixes and `ai-provider-keys`.
  public var name: String
  /// OpenClaw's provider id, the prefix of its `provider/model` references; differs from `name` only for bedrock.
  public var id: String
  /// The variable OpenClaw reads the key from, or nil for providers that authenticate otherwise.
  public var keyVariable: String?
  public var exampleModel: String

  init(name: String, id: String? = nil, keyVariable: String?, exampleModel: String) {
    self.name = name
    self.id = id ?? name
    self.keyVariable = keyVariable
    self.exampleModel = exampleModel
  }

  /// Returns the provider whose charm name or OpenClaw id is `name`, or nil when OpenClaw has none by that name.
  public static func named(_ name: String) -> Provider? {
    all.first { $0.name == name || $0.id == name }
  }

  /// The names of `all`, comma-separated, for messages.
  static var choices: String { all.map(\.name).joined(separator: ", ") }

  /// The providers OpenClaw charm users rely on. ollama runs locally, bedrock uses the AWS credential chain and
  /// openai-codex signs in with OAuth, so those three take no API key.
  ///
  /// NOTE: the variable names match the provider-to-variable map of pi-ai, the model library OpenClaw uses, as
  /// read in copies of that map (GEMINI_API_KEY, COPILOT_GITHUB_TOKEN, AI_GATEWAY_API_KEY and so on). They were
  /// not checked against an OpenClaw release. OpenClaw names Amazon Bedrock `amazon-bedrock` (docs.openclaw.ai,
  /// providers/bedrock).
  public static let all: [Provider] = [
    Provider(name: "anthropic", keyVariable: "ANTHROPIC_API_KEY", exampleModel: "claude-opus-4-5"),
    Provider(name: "openai", keyVariable: "OPENAI_API_KEY", exampleModel: "gpt-5"),
    Provider(name: "openai-codex", keyVariable: nil, exampleModel: "gpt-5-codex"),
    Provider(name: "google", keyVariable: "GEMINI_API_KEY", exampleModel: "gemini-2.5-pro"),
    Provider(name: "opencode", keyVariable: "OPENCODE_API_KEY", exampleModel: "claude-opus-4-5"),
    Provider(name: "github-copilot", keyVariable: "COPILOT_GITHUB_TOKEN", exampleModel: "gpt-4o"),
    Provider(name: "openrouter", keyVariable: "OPENROUTER_API_KEY", exampleModel: "meta-llama/llama-3.3-70b-instruct"),
    Provider(name: "xai", keyVariable: "XAI_API_KEY", exampleModel: "grok-4"),
    Provider(name: "groq", keyVariable: "GROQ_API_KEY", exampleModel: "llama-3.3-70b-versatile"),
    Provider(name: "cerebras", keyVariable: "CEREBRAS_API_KEY", exampleModel: "llama-3.3-70b"),
    Provider(name: "mistral", keyVariable: "MISTRAL_API_KEY", exampleModel: "mistral-large-latest"),
    Provider(name: "zai", keyVariable: "ZAI_API_KEY", exampleModel: "glm-4.6"),
    Provider(name: "vercel-ai-gateway", keyVariable: "AI_GATEWAY_API_KEY", exampleModel: "moonshotai/kimi-k2"),
    Provider(name: "ollama", keyVariable: nil, exampleModel: "llama3.3"),
    Provider(name: "bedrock", id: "amazon-bedrock", keyVariable: nil, exampleModel: "anthropic.claude-opus-4-5"),
  ]
}
