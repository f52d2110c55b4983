/// Runs one Juju hook tool. Production spawns the real tool; tests substitute a recording fake.
public protocol HookToolRunner {
  /// Runs `tool` with `arguments`, feeding `input` to its standard input.
  /// - Throws: `SubprocessError` when the tool cannot be started at all.
  func run(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> ProcessOutput
}

/// Spawns hook tools found on `PATH`, where Juju puts its tools directory first.
public struct ProcessHookToolRunner: HookToolRunner {
  public init() {}

  public func run(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> ProcessOutput {
    // Hook tools answer from the unit agent; a minute without one means the agent is gone.
    try Subprocess.run(tool, arguments, input: input, timeoutSeconds: 60)
  }
}
