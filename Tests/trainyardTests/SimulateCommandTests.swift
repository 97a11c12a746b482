import ArgumentParser
import Foundation
import Testing

@testable import trainyard

/// `trainyard simulate`: bad flags and bad scenario files are refused with a message that says
/// what to do; a YAML scenario is read.
struct SimulateCommandTests {
    static func parse(_ arguments: [String]) throws -> SimulateCommand {
        try SimulateCommand.parse(arguments)
    }

    static func message(_ arguments: [String]) -> String {
        do {
            _ = try parse(arguments).validateAndLoad()
            return ""
        } catch {
            return SimulateCommand.message(for: error)
        }
    }

    @Test(arguments: [
        (["--planner", "fifo"], "unknown planner `fifo`"),
        (["--planner", "trunk:window=3"], "`window` in `trunk:window=3` is not a setting of the `trunk` planner"),
        (["--planner", "bors:batch_size"], "is not KEY=VALUE"),
        (["--format", "pdf"], "--format must be table, json or html"),
        (["--seeds", "0"], "--seeds must be between 1 and 1000"),
        (["--hours=-3"], "--hours must be above 0"),
        (["--scenario", "S9"], "no scenario S9: use S1, S2"),
        (["--scenario", "S1", "--capacity", "0"], "capacity must be between 1 and 10000"),
    ])
    func badFlagsAreRefused(arguments: [String], expected: String) {
        let text = Self.message(arguments)
        #expect(text.contains(expected), "\(text)")
    }

    @Test func aScenarioFileIsReadAndCheckedWithItsKeys() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.yml")
        try """
        id: mine
        name: our repository
        hours: 100
        workload:
          arrivals_per_hour: 4
          pipeline_minutes: 45
          bad_probability: 0.05
          flake_probability: 0.02
          capacity: 6
          diurnal_peak: 2
        """.write(to: good, atomically: true, encoding: .utf8)
        let scenarios = try Self.parse(["--scenario", good.path]).validateAndLoad()
        #expect(scenarios.map(\.id) == ["mine"])
        #expect(scenarios[0].workload.capacity == 6 && scenarios[0].workload.diurnalPeak == 2)

        let bad = directory.appendingPathComponent("bad.yml")
        try "id: x\nname: y\nhours: 10\nworkload:\n  arrivals_per_hour: 4\n  pipeline_minutes: 45\n  capacity: 6\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        #expect(Self.message(["--scenario", bad.path]).contains("is not a scenario file"))
        let wrong = directory.appendingPathComponent("wrong.yml")
        try
            "id: x\nname: y\nhours: 10\nworkload:\n  arrivals_per_hour: 4\n  pipeline_minutes: 45\n  bad_probability: 2\n  capacity: 6\n"
            .write(to: wrong, atomically: true, encoding: .utf8)
        #expect(Self.message(["--scenario", wrong.path]).contains("bad_probability must be at least 0 and below 1"))
    }
}
