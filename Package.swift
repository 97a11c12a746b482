// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "trainyard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "trainyard", targets: ["trainyard"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .target(name: "TrainyardCore"),
        .target(name: "TrainyardSimulator", dependencies: ["TrainyardCore"]),
        .target(
            name: "TrainyardEngine",
            dependencies: [
                "TrainyardCore", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .target(
            name: "TrainyardStore",
            dependencies: [
                "TrainyardCore", "TrainyardEngine",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TrainyardSpawn"),
        .target(
            name: "TrainyardGit",
            dependencies: [
                "TrainyardCore", "TrainyardEngine", "TrainyardSpawn", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TrainyardForges",
            dependencies: [
                "TrainyardCore", "TrainyardEngine", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "TrainyardBrowser",
            dependencies: [
                "TrainyardCore", "TrainyardEngine", "TrainyardSpawn", .product(name: "Logging", package: "swift-log"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TrainyardHTTP",
            dependencies: [
                "TrainyardCore", "TrainyardEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(
            name: "trainyard",
            dependencies: [
                "TrainyardCore", "TrainyardEngine", "TrainyardStore", "TrainyardGit", "TrainyardForges",
                "TrainyardHTTP", "TrainyardSimulator", "TrainyardBrowser",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .target(
            name: "TrainyardTesting",
            dependencies: [
                "TrainyardSpawn",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "TrainyardCoreTests", dependencies: ["TrainyardCore"]),
        .testTarget(
            name: "TrainyardSimulatorTests", dependencies: ["TrainyardSimulator", "TrainyardCore", "TrainyardGit"]
        ),
        .testTarget(
            name: "TrainyardEngineTests",
            dependencies: [
                "TrainyardEngine", "TrainyardCore", "TrainyardStore", "TrainyardBrowser", "TrainyardTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrainyardStoreTests",
            dependencies: ["TrainyardStore", "TrainyardEngine", "TrainyardCore", "TrainyardTesting"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "TrainyardGitTests", dependencies: ["TrainyardGit", "TrainyardEngine", "TrainyardCore"]),
        .testTarget(
            name: "TrainyardForgesTests",
            dependencies: [
                "TrainyardForges", "TrainyardEngine", "TrainyardCore", "TrainyardTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TrainyardHTTPTests",
            dependencies: [
                "TrainyardHTTP", "TrainyardEngine", "TrainyardCore", "TrainyardStore", "TrainyardForges",
                "TrainyardTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrainyardBrowserTests",
            dependencies: [
                "TrainyardBrowser", "TrainyardCore", "TrainyardTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrainyardTestingTests",
            dependencies: [
                "TrainyardTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "trainyardTests",
            dependencies: [
                "trainyard", "TrainyardTesting", "TrainyardCore", "TrainyardEngine", "TrainyardStore",
                "TrainyardForges", "TrainyardHTTP", "TrainyardBrowser",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
