import Foundation

/// Checks that bytes are one JSON text (RFC 8259, UTF-8) without building it. Deliveries of
/// kinds Trainyard ignores only need to be JSON; parsing them into objects cost up to 400 times
/// their size in memory (a 5 MiB body of tiny objects took 1.9 GB), this costs one pass and a
/// stack of `maxDepth` bytes, whatever the body holds.
enum JSONSyntax {
    /// The deepest nesting of arrays and objects accepted.
    static let maxDepth = 512

    static func isValid(_ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: maxDepth) { inObject in
                var scanner = Scanner(bytes: bytes)
                return scanner.document(inObject: inObject)
            }
        }
    }

    /// A cursor over the bytes; every method advances past what it accepted.
    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        /// One value with nothing but white space around it. `inObject[d]` says whether the
        /// container at depth `d` is an object (else an array).
        mutating func document(inObject: UnsafeMutableBufferPointer<Bool>) -> Bool {
            var depth = 0
            skipSpace()
            while true {
                // A value starts here.
                guard let byte = peek else { return false }
                var opened = false
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard depth < maxDepth else { return false }
                    inObject[depth] = byte == UInt8(ascii: "{")
                    depth += 1
                    index += 1
                    skipSpace()
                    if peek == (inObject[depth - 1] ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        index += 1
                        depth -= 1
                    } else {
                        opened = true
                        if inObject[depth - 1], !member() { return false }
                    }
                case UInt8(ascii: "\""): guard string() else { return false }
                case UInt8(ascii: "t"): guard literal("true") else { return false }
                case UInt8(ascii: "f"): guard literal("false") else { return false }
                case UInt8(ascii: "n"): guard literal("null") else { return false }
                default: guard number() else { return false }
                }
                if opened { continue }
                // A value ended: close containers until one goes on with a comma.
                while true {
                    skipSpace()
                    guard depth > 0 else { return index == bytes.count }
                    let inAnObject = inObject[depth - 1]
                    if peek == UInt8(ascii: ",") {
                        index += 1
                        skipSpace()
                        if inAnObject, !member() { return false }
                        break
                    }
                    guard peek == (inAnObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return false }
                    index += 1
                    depth -= 1
                }
            }
        }

        /// A member's name and colon, leaving the cursor at its value.
        mutating func member() -> Bool {
            guard peek == UInt8(ascii: "\""), string() else { return false }
            skipSpace()
            guard peek == UInt8(ascii: ":") else { return false }
            index += 1
            skipSpace()
            return true
        }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            guard bytes.count - index >= word.utf8CodeUnitCount else { return false }
            for offset in 0..<word.utf8CodeUnitCount where bytes[index + offset] != word.utf8Start[offset] {
                return false
            }
            index += word.utf8CodeUnitCount
            return true
        }

        mutating func digits() -> Int {
            let start = index
            while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            return index - start
        }

        mutating func number() -> Bool {
            if peek == UInt8(ascii: "-") { index += 1 }
            if peek == UInt8(ascii: "0") {
                index += 1
            } else if digits() == 0 {
                return false
            }
            if peek == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { return false }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { return false }
            }
            return true
        }

        /// A string from its opening quote: escapes checked, control characters refused, UTF-8
        /// checked (no overlong forms, surrogates or code points past U+10FFFF).
        mutating func string() -> Bool {
            index += 1
            while let byte = peek {
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return true
                case 0..<0x20: return false
                case UInt8(ascii: "\\"):
                    guard let escaped = peek else { return false }
                    index += 1
                    if escaped == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            guard let hex = peek, hex.isHexDigit else { return false }
                            index += 1
                        }
                    } else if !"\"\\/bfnrt".utf8.contains(escaped) {
                        return false
                    }
                case 0x80...: guard utf8Sequence(lead: byte) else { return false }
                default: break
                }
            }
            return false
        }

        /// The continuation bytes of a multi-byte UTF-8 sequence whose lead byte was read.
        mutating func utf8Sequence(lead: UInt8) -> Bool {
            let count: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 1
            case 0xE0: (count, low) = (2, 0xA0)
            case 0xED: (count, high) = (2, 0x9F)
            case 0xE1...0xEF: count = 2
            case 0xF0: (count, low) = (3, 0x90)
            case 0xF4: (count, high) = (3, 0x8F)
            case 0xF1...0xF3: count = 3
            default: return false
            }
            for position in 0..<count {
                guard let byte = peek else { return false }
                let range = position == 0 ? low...high : 0x80...0xBF
                guard range.contains(byte) else { return false }
                index += 1
            }
            return true
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
