import Foundation
import Testing
import TrainyardTesting

@testable import TrainyardForges

/// The allocation-free JSON check for ignored deliveries: a table of edge cases, and seeded
/// random documents and mutations of them compared with Foundation's parser.
struct JSONSyntaxTests {
    @Test(arguments: [
        "{}", "[]", " {\"a\": [1, -2.5e+3, true, false, null, \"x\"]} ", "\"text\"", "0", "-0.0e0", "[[[]]]",
        #"{"esc": "\" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE00"}"#, "{\"é\": \"日本 😀\"}", "[1,\n\t2\r]",
        "{\"a\":{\"b\":{\"c\":[{}]}}}", "1E5", "123456789012345678901234567890",
    ])
    func accepts(_ text: String) {
        #expect(JSONSyntax.isValid(Data(text.utf8)))
    }

    @Test(arguments: [
        "", " ", "{", "}", "[", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":}", "[1 2]", "01", "1.", ".5",
        "-", "1e", "1e+", "+1", "tru", "nul", "True", "\"open", "\"tab\there\"", "\"\\x\"", "\"\\u12g4\"", "[]]",
        "{}{}", "[1]x", "{\"a\":1]", "[1}", "NaN", "'a'", "/* c */ 1", "\u{FEFF}{}",
    ])
    func refuses(_ text: String) {
        #expect(!JSONSyntax.isValid(Data(text.utf8)))
    }

    @Test(
        arguments: [
            [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // a surrogate encoded directly
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // past U+10FFFF
            [0x22, 0xE6, 0x97, 0x22],  // a sequence cut short
            [0x22, 0x80, 0x22],  // a lone continuation byte
            [0x22, 0xFF, 0x22],
        ] as [[UInt8]])
    func refusesMalformedUTF8(_ bytes: [UInt8]) {
        #expect(!JSONSyntax.isValid(Data(bytes)))
    }

    @Test func nestingIsLimitedTo512() {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(JSONSyntax.isValid(Data(deepest.utf8)))
        #expect(!JSONSyntax.isValid(Data(tooDeep.utf8)))
        let objects = String(repeating: "{\"a\":", count: 513) + "1" + String(repeating: "}", count: 513)
        #expect(!JSONSyntax.isValid(Data(objects.utf8)))
        let wide = "[" + Array(repeating: "{\"a\":[1]}", count: 100_000).joined(separator: ",") + "]"
        #expect(JSONSyntax.isValid(Data(wide.utf8)))
    }

    /// Random documents, and the same with one byte changed, removed or doubled: the check
    /// agrees with `JSONSerialization` on every one, but for numbers beyond a Double's range
    /// (`1E3456`), which are JSON (RFC 8259 section 6 leaves the range to the reader) and which
    /// Foundation refuses.
    @Test(arguments: [1, 2, 3, 4])
    func agreesWithFoundationOnRandomDocuments(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for _ in 0..<300 {
            let document = Array(Self.document(depth: 0, random: &random).utf8)
            var cases = [document]
            for _ in 0..<4 where !document.isEmpty {
                var mutated = document
                let at = Int(random.next() % UInt64(mutated.count))
                switch random.next() % 3 {
                case 0: mutated[at] = Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))]
                case 1: mutated.remove(at: at)
                default: mutated.insert(mutated[at], at: at)
                }
                cases.append(mutated)
            }
            for bytes in cases {
                let data = Data(bytes)
                var foundation = Self.foundationAccepts(data)
                if !foundation, let text = String(data: data, encoding: .utf8) {
                    let inRange = text.replacing(#/([0-9])[eE][+-]?[0-9]{3,}/#) { "\($0.output.1)e0" }
                    foundation = inRange != text && Self.foundationAccepts(Data(inRange.utf8))
                }
                #expect(JSONSyntax.isValid(data) == foundation, "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    static func foundationAccepts(_ data: Data) -> Bool {
        (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil
    }

    static let alphabet = Array("{}[],:\" \\-.0123456789eEtrufalsn\n".utf8)

    static func document(depth: Int, random: inout SplitMix) -> String {
        let choice = random.next() % (depth > 4 ? 4 : 6)
        switch choice {
        case 0: return ["true", "false", "null"][Int(random.next() % 3)]
        case 1: return ["0", "-1", "2.5", "1e3", "-0.25E-2", "123456"][Int(random.next() % 6)]
        case 2: return ["\"\"", "\"a b\"", "\"\\n\\\"\"", "\"é\"", "\"\\u0041\""][Int(random.next() % 5)]
        case 3: return " \(random.next() % 100) "
        case 4:
            let items = (0..<Int(random.next() % 4)).map { _ in document(depth: depth + 1, random: &random) }
            return "[" + items.joined(separator: ",") + "]"
        default:
            let members = (0..<Int(random.next() % 4)).map { index in
                "\"k\(index)\" : " + document(depth: depth + 1, random: &random)
            }
            return "{" + members.joined(separator: ", ") + "}"
        }
    }
}
