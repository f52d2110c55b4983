#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HookTools
import Roles

/// The `list-models` action: the primary model and its fallbacks, as the charm renders them into `openclaw.json`.
struct ListModelsAction {
  let tools: HookTools
  let system: System
  let paths: Paths

  /// The models of `agents.defaults.model`, each as `provider/model`.
  struct Models: Encodable, Equatable {
    var primary: String
    var fallbacks: [String]
  }

  func run() throws {
    let format = try tools.actionGet()["format"]?.description ?? "text"
    guard ["text", "json"].contains(format) else {
      return try tools.actionFail("Parameter 'format' is '\(format)'; use text or json.")
    }
    let config: CharmConfig
    do {
      let sources = InputReader(tools: tools, system: system, environment: [:], paths: paths).configSources()
      config = try CharmConfig.parse(try tools.configGet(), sources: sources)
    } catch let error as ConfigError {
      return try tools.actionFail(error.message)
    }
    guard let models = Self.models(AssistantSections.render(config)) else {
      return try tools.actionFail(
        "No model is configured; set one, for example: juju config openclaw ai-provider=anthropic ai-model=claude-opus-4-5")
    }

    if format == "json" {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      try tools.actionSet(["models": String(decoding: try encoder.encode(models), as: UTF8.self)])
    } else {
      var results = ["primary": models.primary]
      if !models.fallbacks.isEmpty { results["fallbacks"] = models.fallbacks.joined(separator: " ") }
      try tools.actionSet(results)
    }
  }

  /// Reads `agents.defaults.model`: an object with `primary` and `fallbacks`, or a plain `provider/model` string
  /// (manual mode may use either). Returns nil when no primary model is set.
  static func models(_ sections: [String: JSONNode]) -> Models? {
    guard case .object(let agents)? = sections["agents"], case .object(let defaults)? = agents["defaults"] else {
      return nil
    }
    switch defaults["model"] {
    case .string(let primary)?:
      return Models(primary: primary, fallbacks: [])
    case .object(let model)?:
      guard case .string(let primary)? = model["primary"] else { return nil }
      var fallbacks: [String] = []
      if case .array(let items)? = model["fallbacks"] {
        fallbacks = items.compactMap { if case .string(let name) = $0 { return name } else { return nil } }
      }
      return Models(primary: primary, fallbacks: fallbacks)
    default:
      return nil
    }
  }
}
