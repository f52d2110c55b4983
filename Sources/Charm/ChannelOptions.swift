/// The messaging channels the options enable, with their tokens. A nil channel is not configured.
public struct ChannelSettings: Equatable, Sendable {
  public var telegramBotToken: String?
  public var discordBotToken: String?
  public var slack: SlackTokens?
  public var line: LineCredentials?

  public init(
    telegramBotToken: String? = nil, discordBotToken: String? = nil, slack: SlackTokens? = nil,
    line: LineCredentials? = nil
  ) {
    self.telegramBotToken = telegramBotToken
    self.discordBotToken = discordBotToken
    self.slack = slack
    self.line = line
  }

  public var isEmpty: Bool { telegramBotToken == nil && discordBotToken == nil && slack == nil && line == nil }
}

/// Slack in socket mode, which needs both tokens.
public struct SlackTokens: Equatable, Sendable {
  public var botToken: String
  public var appToken: String

  public init(botToken: String, appToken: String) {
    self.botToken = botToken
    self.appToken = appToken
  }
}

/// The LINE Messaging API channel's credentials.
public struct LineCredentials: Equatable, Sendable {
  public var channelAccessToken: String
  public var channelSecret: String

  public init(channelAccessToken: String, channelSecret: String) {
    self.channelAccessToken = channelAccessToken
    self.channelSecret = channelSecret
  }
}

/// The direct-message policy of every enabled channel: who may message the assistant.
public enum DMPolicy: String, Sendable, CaseIterable {
  /// Unknown senders get a pairing code that the owner approves.
  case pairing
  /// Anyone may send direct messages.
  case open
  /// Direct messages are ignored.
  case closed
}

/// The split of direct messages into sessions, as OpenClaw's `session.dmScope` values name it.
public enum DMScope: String, Sendable, CaseIterable {
  case main
  case perPeer = "per-peer"
  case perChannelPeer = "per-channel-peer"
  case perAccountChannelPeer = "per-account-channel-peer"
}

/// The sessions whose tools run in a sandbox.
public enum SandboxMode: String, Sendable, CaseIterable {
  case all
  case nonMain = "non-main"
  case none
}

/// The gateway's log level, OpenClaw's `logging.level` values the charm offers.
public enum GatewayLogLevel: String, Sendable, CaseIterable {
  case debug, info, warn, error
}

/// The browser the assistant drives. OpenClaw drives Chromium-based browsers only, through CDP.
public enum Browser: String, Sendable, CaseIterable {
  case chrome, chromium
}

/// The policy options, validated.
public struct PolicySettings: Equatable, Sendable {
  public var dmPolicy: DMPolicy = .pairing
  public var dmScope: DMScope = .main
  public var sandboxMode: SandboxMode = .none
  public var logLevel: GatewayLogLevel = .info
  /// nil turns OpenClaw's browser off.
  public var browser: Browser?

  public init() {}
}

/// Validates the channel and policy options.
enum ChannelOptions {
  static func parseChannels(_ values: ConfigValues) throws -> ChannelSettings {
    var channels = ChannelSettings()
    let telegram = try values.secret(Option.telegramBotToken)
    let discord = try values.secret(Option.discordBotToken)
    channels.telegramBotToken = telegram.isEmpty ? nil : telegram
    channels.discordBotToken = discord.isEmpty ? nil : discord

    if let (bot, app) = try pair(values, Option.slackBotToken, Option.slackAppToken, channel: "Slack") {
      channels.slack = SlackTokens(botToken: bot, appToken: app)
    }
    let line = try pair(values, Option.lineChannelAccessToken, Option.lineChannelSecret, channel: "LINE")
    if let (token, secret) = line {
      channels.line = LineCredentials(channelAccessToken: token, channelSecret: secret)
    }
    return channels
  }

  /// Returns both values of a token pair, nil when neither is set, or throws naming the missing half.
  private static func pair(_ values: ConfigValues, _ first: String, _ second: String, channel: String) throws
    -> (String, String)?
  {
    let firstValue = try values.secret(first)
    let secondValue = try values.secret(second)
    switch (firstValue.isEmpty, secondValue.isEmpty) {
    case (true, true): return nil
    case (false, false): return (firstValue, secondValue)
    case (true, false): throw halfPair(missing: first, set: second, channel: channel)
    case (false, true): throw halfPair(missing: second, set: first, channel: channel)
    }
  }

  private static func halfPair(missing: String, set: String, channel: String) -> ConfigError {
    ConfigError(
      option: missing,
      message: "Option '\(missing)' is empty but '\(set)' is set; \(channel) needs both, so set it too, "
        + "for example juju config openclaw \(missing)=\(Option.secretExamples[missing] ?? "<value>"), "
        + "or reset \(set).")
  }

  static func parsePolicies(_ values: ConfigValues) throws -> PolicySettings {
    var policies = PolicySettings()
    func named<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type) -> [(String, Choice)]
    where Choice.RawValue == String {
      Choice.allCases.map { ($0.rawValue, $0) }
    }
    policies.dmPolicy = try values.choice(Option.dmPolicy, named(DMPolicy.self), default: .pairing)
    policies.dmScope = try values.choice(Option.dmScope, named(DMScope.self), default: .main)
    policies.sandboxMode = try values.choice(Option.sandboxMode, named(SandboxMode.self), default: .none)
    policies.logLevel = try values.choice(Option.logLevel, named(GatewayLogLevel.self), default: .info)

    let browser = try values.text(Option.useBrowser, example: "chromium")
    if browser == "firefox" {
      throw ConfigError(
        option: Option.useBrowser,
        message: "Option 'use-browser' is 'firefox', but OpenClaw drives only Chromium-based browsers; "
          + "set it to chrome or chromium, or leave it empty, for example juju config openclaw use-browser=chromium.")
    }
    let choices: [(String, Browser?)] = [("", nil)] + Browser.allCases.map { ($0.rawValue, $0) }
    guard let match = choices.first(where: { $0.0 == browser }) else {
      throw ConfigError(
        option: Option.useBrowser,
        message: "Option 'use-browser' is '\(ConfigValues.quoted(browser))'; set it to chrome or chromium, "
          + "or leave it empty for no browser, for example juju config openclaw use-browser=chromium.")
    }
    policies.browser = match.1
    return policies
  }
}
