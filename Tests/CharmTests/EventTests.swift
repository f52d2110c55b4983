import Charm
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
    #expect(!Event.hook("start").isTeardown)
  }
}
