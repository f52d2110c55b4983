import Roles

/// Renders the assistant's settings (everything in `openclaw.json` but the `gateway` section) from the options.
enum AssistantSections {
  static func render(_ config: CharmConfig) -> [String: JSONNode] {
    guard let primary = config.primaryModel else { return [:] }
    let model: [String: JSONNode] = ["primary": .string(primary)]
    return ["agents": .object(["defaults": .object(["model": .object(model)])])]
  }
}
