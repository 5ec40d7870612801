// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "TrackMyCrime",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "trackmycrime", targets: ["trackmycrime"]),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(name: "CEpoll"),
        .target(name: "TMCHTTP", dependencies: ["CEpoll"], swiftSettings: strict),
        .target(name: "TMCPostgres", dependencies: ["CLibPQ"], swiftSettings: strict),
        .target(
            name: "TMCApp",
            dependencies: ["TMCHTTP", "TMCPostgres"],
            swiftSettings: strict
        ),
        .executableTarget(name: "trackmycrime", dependencies: ["TMCApp"], swiftSettings: strict),
        .testTarget(name: "TMCHTTPTests", dependencies: ["TMCHTTP"], swiftSettings: strict),
        .testTarget(name: "TMCPostgresTests", dependencies: ["TMCPostgres"], swiftSettings: strict),
        .testTarget(name: "TMCAppTests", dependencies: ["TMCApp", "TMCHTTP", "TMCPostgres"], swiftSettings: strict),
    ]
)
