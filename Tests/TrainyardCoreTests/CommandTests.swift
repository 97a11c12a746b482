import Testing
import TrainyardCore

struct CommandTests {
    @Test(arguments: [
        ("/merge", [Command.merge]),
        ("  /merge please", [.merge]),
        ("@trainyard merge", [.merge]),
        ("@Trainyard MERGE", [.merge]),
        ("/cancel", [.cancel]),
        ("LGTM\n/merge", [.merge]),
        ("please comment `/merge` again", []),
        ("```\n/merge\n```", []),
        ("/mergeable", []),
        ("@trainyard", []),
        ("@someone merge", []),
        ("", []),
    ])
    func parsesCommandsAtTheStartOfALine(text: String, expected: [Command]) {
        #expect(Command.parse(text) == expected)
    }

    @Test func ownNotesAreNeverCommands() {
        let note = "Removed from the merge train: pipeline #3 failed. Fix the failure and comment `/merge` again."
        #expect(Command.parse(note).isEmpty)
    }

    @Test func mentionNameIsConfigurable() {
        #expect(Command.parse("@bot merge", mention: "bot") == [.merge])
        #expect(Command.parse("@trainyard merge", mention: "bot").isEmpty)
    }
}
