// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "openclaw-charm",
  products: [
    .executable(name: "charm-hook", targets: ["charm-hook"]),
    .executable(name: "juju-sim", targets: ["juju-sim"]),
  ],
  targets: [
    // Shipped in the charm: keep these on FoundationEssentials and Glibc only.
    .target(name: "HookTools"),
    .target(name: "Roles"),
    .target(name: "Charm", dependencies: ["HookTools", "Roles"]),
    .executableTarget(name: "charm-hook", dependencies: ["Charm"]),

    // Test and demo infrastructure, never linked into charm-hook.
    .executableTarget(name: "juju-sim", path: "Sources/JujuSim"),

    .testTarget(name: "HookToolsTests", dependencies: ["HookTools"]),
    .testTarget(name: "RolesTests", dependencies: ["Roles"], exclude: ["Snapshots"]),
    .testTarget(name: "CharmTests", dependencies: ["Charm", "HookTools", "Roles"]),
    .testTarget(name: "JujuSimTests"),
    .testTarget(name: "IntegrationTests"),
  ]
)
