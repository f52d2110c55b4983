import HookTools
import Roles

/// An option whose value the charm cannot use; shown as a blocked status that names the option and the fix.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
  public var option: String
  public var message: String

  public var description: String { message }

  public init(option: String, message: String) {
    self.option = option
    self.message = message
  }
}

/// Sources of option values outside `config-get`: the Juju secret of `ai-provider-keys` and, in manual mode,
/// the config file the operator edits.
public struct ConfigSources {
  /// Returns a secret's content, or nil when this unit may not read it; throws for other hook-tool failures.
  public var readSecret: (String) throws -> [String: String]?
  public var configFilePath: String
  /// Returns the config file's bytes, or nil when it does not exist.
  public var readConfigFile: () -> [UInt8]?

  public init(
    readSecret: @escaping (String) throws -> [String: String]?, configFilePath: String,
    readConfigFile: @escaping () -> [UInt8]?
  ) {
    self.readSecret = readSecret
    self.configFilePath = configFilePath
    self.readConfigFile = readConfigFile
  }

  /// No secret is readable and no config file exists, as on a fresh unit with no grant.
  public static var none: ConfigSources {
    ConfigSources(readSecret: { _ in nil }, configFilePath: "/var/lib/openclaw/openclaw.json", readConfigFile: { nil })
  }
}

/// The charm's options, validated. Built only through `CharmConfig.parse`, so every instance is usable.
public struct CharmConfig: Equatable, Sendable {
  public var gatewayPort: Int
  /// Whether the gateway serves TLS that nodes pin; off means plaintext to the gateway's private IP address.
  public var gatewayTLS: Bool = true
  /// The primary model as `provider/model`, or nil when no provider is configured.
  public var primaryModel: String?
  /// Models to try, in order, when the primary one fails, each as `provider/model`.
  public var fallbackModels: [String]
  public var customEndpoint: CustomEndpoint?
  /// Environment variables with provider API keys, for the gateway's environment file.
  public var providerKeys: [String: String]
  public var channels: ChannelSettings
  public var policies: PolicySettings
  /// In manual mode, the operator's top-level sections of `openclaw.json` other than `gateway`; nil otherwise.
  public var manualSections: [String: JSONNode]?

  public init(
    gatewayPort: Int, primaryModel: String?, fallbackModels: [String] = [], customEndpoint: CustomEndpoint? = nil,
    providerKeys: [String: String], channels: ChannelSettings = ChannelSettings(),
    policies: PolicySettings = PolicySettings(), manualSections: [String: JSONNode]? = nil
  ) {
    self.gatewayPort = gatewayPort
    self.primaryModel = primaryModel
    self.fallbackModels = fallbackModels
    self.customEndpoint = customEndpoint
    self.providerKeys = providerKeys
    self.channels = channels
    self.policies = policies
    self.manualSections = manualSections
  }

  /// Validates the output of `config-get`.
  /// - Throws: `ConfigError` for the first option, in a fixed order, that is invalid. Errors of `sources` other
  ///   than an unreadable secret pass through unchanged.
  public static func parse(_ values: [String: JSONValue], sources: ConfigSources = .none) throws -> CharmConfig {
    let reader = ConfigValues(values: values)
    let port = try reader.integer(Option.gatewayPort, default: 18789)
    guard (1024...65535).contains(port) else {
      throw ConfigError(
        option: Option.gatewayPort,
        message: "Option 'gateway-port' is '\(port)'; set it to a port from 1024 to 65535, "
          + "for example juju config openclaw gateway-port=18789.")
    }

    let tls = try reader.boolean(Option.gatewayTLS, default: true)

    if try reader.boolean(Option.manual, default: false) {
      // The operator owns the assistant's settings, so the AI, channel and policy options are not read.
      let sections = try ManualMode.sections(path: sources.configFilePath, bytes: sources.readConfigFile())
      var config = CharmConfig(gatewayPort: port, primaryModel: nil, providerKeys: [:], manualSections: sections)
      config.gatewayTLS = tls
      return config
    }

    let models = try ModelOptions.parse(reader, readSecret: sources.readSecret)
    let channels = try ChannelOptions.parseChannels(reader)
    let policies = try ChannelOptions.parsePolicies(reader)
    var config = CharmConfig(
      gatewayPort: port, primaryModel: models.primaryModel, fallbackModels: models.fallbackModels,
      customEndpoint: models.customEndpoint, providerKeys: models.providerKeys, channels: channels,
      policies: policies)
    config.gatewayTLS = tls
    return config
  }
}
