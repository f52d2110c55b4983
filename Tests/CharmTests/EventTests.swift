import Charm
import Foundation
import Testing

/// The event comes from JUJU_DISPATCH_PATH when Juju sets it, else from the name the binary was started as.
@Suite struct EventTests {
  @Test func dispatchPathHook() {
    #expect(Event.from(dispatchPath: "hooks/config-changed", executablePath: "./dispatch") == .hook("config-changed"))
  }

  @Test func dispatchPathAction() {
    #expect(
      Event.from(dispatchPath: "actions/get-gateway-token", executablePath: "./dispatch")
        == .action("get-gateway-token"))
  }

  @Test func linkNameHook() {
    #expect(Event.from(dispatchPath: nil, executablePath: "/charm/hooks/start") == .hook("start"))
    #expect(Event.from(dispatchPath: "", executablePath: "hooks/leader-elected") == .hook("leader-elected"))
  }

  @Test func peerRelationKind() {
    #expect(Event.hook("openclaw-cluster-relation-departed").peerRelationKind == "departed")
    #expect(Event.hook("config-changed").peerRelationKind == nil)
  }

  @Test func teardownHooks() {
    #expect(Event.hook("stop").isTeardown)
    #expect(Event.hook("remove").isTeardown)
    #expect(Event.hook("state-storage-detaching").isTeardown)
    #expect(!Event.hook("start").isTeardown)
    #expect(!Event.hook("state-storage-attached").isTeardown)
  }

  /// Juju without `dispatch` runs `hooks/<name>`, so every hook the charm handles needs a link in the source tree.
  @Test func everyKnownHookHasLink() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    for name in KnownHooks.names.sorted() {
      let link = root.appendingPathComponent("hooks/" + name).path
      let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link)
      #expect(target == "../.build/release/charm-hook", "hooks/\(name)")
    }
  }
}
