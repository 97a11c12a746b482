import Testing
import TrainyardHTTP

@testable import trainyard

/// `dashboard:` and `log_format` in the configuration: defaults, values, and every mistake named.
struct DashboardConfigTests {
    @Test(
        arguments: [
            ("", DashboardSettings.Access.open, nil as String?),
            ("dashboard:\n  access: open\n", .open, nil),
            ("dashboard:\n  access: token\n  token: a-dashboard-token-1234\n", .token, "a-dashboard-token-1234"),
        ])
    func accessAndToken(yaml: String, access: DashboardSettings.Access, token: String?) {
        let (config, problems) = ConfigLoaderTests.parse(ConfigLoaderTests.valid + "\n" + yaml)
        #expect(problems.isEmpty, "\(problems)")
        #expect(config?.dashboard.access == access && config?.dashboard.token == token)
    }

    @Test(
        arguments: [
            ("dashboard: yes\n", "dashboard", "expected a mapping with `access` and `token`"),
            ("dashboard:\n  access: sso\n", "dashboard.access", "expected `open` or `token`, got `sso`"),
            ("dashboard:\n  access: open\n  token: short\n", "dashboard.token", "use at least 16 characters"),
            ("dashboard:\n  theme: dark\n", "dashboard.theme", "unknown key"),
            ("log_format: yaml\n", "log_format", "expected `text` or `json`"),
        ])
    func mistakesAreNamed(yaml: String, path: String, message: String) {
        let (_, problems) = ConfigLoaderTests.parse(ConfigLoaderTests.valid + "\n" + yaml)
        #expect(problems.contains { $0.path == path && $0.message.contains(message) }, "\(problems)")
    }

    @Test func tokenAccessNeedsSomeToken() {
        let withoutAPI = ConfigLoaderTests.valid.replacingOccurrences(
            of: "api:\n  tokens: [\"${API_TOKEN}\"]\n", with: "")
        #expect(!withoutAPI.contains("api:"))
        let (_, problems) = ConfigLoaderTests.parse(withoutAPI + "\ndashboard:\n  access: token\n")
        #expect(
            problems.contains {
                $0.path == "dashboard.access" && $0.message.contains("needs `dashboard.token` or a token under")
            }, "\(problems)")
        let (_, withAPI) = ConfigLoaderTests.parse(ConfigLoaderTests.valid + "\ndashboard:\n  access: token\n")
        #expect(withAPI.isEmpty, "an API token opens the dashboard too: \(withAPI)")
    }

    @Test(arguments: [
        ("", TrainyardConfig.LogFormat.text), ("log_format: json\n", .json), ("log_format: text\n", .text),
    ])
    func logFormat(yaml: String, format: TrainyardConfig.LogFormat) {
        let (config, problems) = ConfigLoaderTests.parse(ConfigLoaderTests.valid + "\n" + yaml)
        #expect(problems.isEmpty, "\(problems)")
        #expect(config?.logFormat == format)
    }

    @Test func tracingIsOffUntilAnEndpointIsGiven() throws {
        let (off, _) = ConfigLoaderTests.parse(ConfigLoaderTests.valid)
        #expect(off?.tracing == nil)
        let (on, problems) = ConfigLoaderTests.parse(
            ConfigLoaderTests.valid + "\ntracing:\n  otlp_endpoint: http://otel:4318\n  protocol: http/json\n")
        #expect(problems.isEmpty, "\(problems)")
        #expect(on?.tracing == TrainyardConfig.Tracing(endpoint: "http://otel:4318", wireProtocol: "http/json"))
        #expect(TracingBackend.tracesURL("http://otel:4318") == "http://otel:4318/v1/traces")
        #expect(TracingBackend.tracesURL("http://otel:4318/") == "http://otel:4318/v1/traces")
        #expect(
            TracingBackend.tracesURL("https://otel.example.com/custom/traces")
                == "https://otel.example.com/custom/traces")
    }

    @Test(
        arguments: [
            ("tracing: on\n", "tracing", "expected a mapping"),
            ("tracing:\n  protocol: grpc\n", "tracing.otlp_endpoint", ""),
            ("tracing:\n  otlp_endpoint: otel:4318\n", "tracing.otlp_endpoint", "such as http://otel-collector:4318"),
            ("tracing:\n  otlp_endpoint: http://otel:4318\n  protocol: grpc\n", "tracing.protocol", "got `grpc`"),
            ("tracing:\n  otlp_endpoint: http://otel:4318\n  sampler: all\n", "tracing.sampler", "unknown key"),
        ])
    func tracingMistakesAreNamed(yaml: String, path: String, message: String) {
        let (_, problems) = ConfigLoaderTests.parse(ConfigLoaderTests.valid + "\n" + yaml)
        #expect(
            problems.contains { $0.path == path && (message.isEmpty || $0.message.contains(message)) }, "\(problems)")
    }
}
