import HookTools
import Testing

/// The Glibc process runner: output, exit status, standard input and timeouts.
@Suite struct SubprocessTests {
  @Test func capturesBothOutputs() throws {
    let output = try Subprocess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
    #expect(output.status == 3)
    #expect(output.stdoutText == "out\n")
    #expect(output.stderrText == "err")
  }

  @Test func feedsStandardInput() throws {
    let output = try Subprocess.run("/bin/cat", [], input: Array("hello".utf8))
    #expect(output.stdoutText == "hello")
  }

  @Test func passesEnvironment() throws {
    let output = try Subprocess.run("/bin/sh", ["-c", "echo $GREETING"], environment: ["GREETING": "hi"])
    #expect(output.stdoutText == "hi\n")
  }

  @Test func missingProgramThrows() throws {
    #expect(throws: SubprocessError.self) { try Subprocess.run("/nonexistent/program", []) }
  }

  @Test func killsAfterTimeout() throws {
    #expect(throws: SubprocessError.timedOut(program: "/bin/sleep", seconds: 1)) {
      try Subprocess.run("/bin/sleep", ["30"], timeoutSeconds: 1)
    }
  }

  @Test func largeOutputDoesNotDeadlock() throws {
    let output = try Subprocess.run("/bin/sh", ["-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2"])
    #expect(output.stdout.count == 300_000)
    #expect(output.stderr.count == 300_000)
  }
}
