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

    /// Sweeps with a bad value, and one too large to run.
    static let badSweeps: [([String], String)] = [
        (["--scenario", "S1", "--capacity", "4,x"], "--capacity expects a number, or numbers separated by commas"),
        (["--scenario", "S1", "--capacity", "4.5"], "--capacity expects whole numbers"),
        (
            ["--scenario", "S1", "--bad-probability", "0.1,2"],
            "scenario S1@bad_probability=2: bad_probability must be at least 0 and below 1"
        ),
        (
            [
                "--capacity", (1...11).map(String.init).joined(separator: ","), "--arrivals-per-hour",
                "1,2,3,4,5,6,7,8,9,10",
            ],
            "make 110 variants of each scenario, and at most 100 run in one command: give fewer values"
        ),
    ]

    @Test(arguments: badSweeps)
    func badSweepsAreRefused(arguments: [String], expected: String) {
        let text = Self.message(arguments)
        #expect(text.contains(expected), "\(text)")
    }

    @Test func severalValuesSweepEveryScenarioAndOneValueOverrides() throws {
        let swept = try Self.parse(["--scenario", "S4", "--capacity", "8,16", "--hours", "50"]).validateAndLoad()
        #expect(swept.map(\.id) == ["S4@capacity=8", "S4@capacity=16"])
        #expect(swept.map(\.workload.capacity) == [8, 16] && swept.allSatisfy { $0.hours == 50 })
        let all = try Self.parse(["--arrivals-per-hour", "1,2"]).validateAndLoad()
        #expect(all.count == 14 && all[0].id == "S1@arrivals_per_hour=1" && all[13].id == "S7@arrivals_per_hour=2")
        let one = try Self.parse(["--scenario", "S2", "--flake-probability", "0.1"]).validateAndLoad()
        #expect(one.map(\.id) == ["S2"] && one[0].workload.flakeProbability == 0.1)
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
        swept:
          - figure: capacity
            value: 99
        """.write(to: good, atomically: true, encoding: .utf8)
        let scenarios = try Self.parse(["--scenario", good.path]).validateAndLoad()
        #expect(scenarios.map(\.id) == ["mine"])
        #expect(scenarios[0].swept == nil)
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
