import Foundation

/// How much two screenshots differ, worked out in the browser: both PNGs are decoded by its image
/// decoder and drawn on white canvases of the larger size; a pixel changed when its red, green and
/// blue moved by more than ``tolerance`` in all (so anti-aliasing noise is not a change). The
/// difference image shows changed pixels in red over a faded copy of the current screenshot.
public struct ImageComparison: Sendable {
    /// The summed change of red, green and blue (0–765) a pixel may have and still be the same.
    public static let tolerance = 48

    /// Changed pixels over all pixels of the larger size (0 to 1).
    public var ratio: Double
    public var width: Int
    public var height: Int
    /// The difference image, as PNG.
    public var difference: Data

    static func run(in browser: Chromium, baseline: Data, current: Data) async throws -> ImageComparison {
        let connection = browser.connection
        let target = try await connection.send(
            "Target.createTarget", ["url": .string("about:blank")], as: DevToolsReply.Created.self
        ).targetId
        defer {
            Task { _ = try? await connection.send("Target.closeTarget", ["targetId": .string(target)]) }
        }
        let session = try await connection.send(
            "Target.attachToTarget", ["targetId": .string(target), "flatten": .bool(true)],
            as: DevToolsReply.Attached.self
        ).sessionId
        let script = """
            (async () => {
              const load = src => new Promise((ok, no) => {
                const image = new Image();
                image.onload = () => ok(image);
                image.onerror = () => no(new Error('a screenshot is not a PNG image'));
                image.src = 'data:image/png;base64,' + src;
              });
              const [a, b] = await Promise.all([load('\(baseline.base64EncodedString())'), load('\(current.base64EncodedString())')]);
              const w = Math.max(a.width, b.width, 1), h = Math.max(a.height, b.height, 1);
              const pixels = image => {
                const canvas = document.createElement('canvas');
                canvas.width = w; canvas.height = h;
                const context = canvas.getContext('2d');
                context.fillStyle = '#fff'; context.fillRect(0, 0, w, h); context.drawImage(image, 0, 0);
                return context.getImageData(0, 0, w, h).data;
              };
              const pa = pixels(a), pb = pixels(b);
              const out = document.createElement('canvas');
              out.width = w; out.height = h;
              const context = out.getContext('2d');
              const diff = context.createImageData(w, h);
              let changed = 0;
              for (let i = 0; i < pa.length; i += 4) {
                const moved = Math.abs(pa[i] - pb[i]) + Math.abs(pa[i + 1] - pb[i + 1]) + Math.abs(pa[i + 2] - pb[i + 2]);
                if (moved > \(Self.tolerance)) {
                  changed++;
                  diff.data[i] = 255; diff.data[i + 1] = 0; diff.data[i + 2] = 0;
                } else {
                  const grey = 255 - (255 - (0.3 * pb[i] + 0.59 * pb[i + 1] + 0.11 * pb[i + 2])) * 0.25;
                  diff.data[i] = grey; diff.data[i + 1] = grey; diff.data[i + 2] = grey;
                }
                diff.data[i + 3] = 255;
              }
              context.putImageData(diff, 0, 0);
              return JSON.stringify({ ratio: changed / (w * h), width: w, height: h,
                difference: out.toDataURL('image/png').slice('data:image/png;base64,'.length) });
            })()
            """
        let evaluated = try await connection.send(
            "Runtime.evaluate",
            ["expression": .string(script), "returnByValue": .bool(true), "awaitPromise": .bool(true)],
            session: session, as: Evaluated.self, timeout: .seconds(120))
        if let thrown = evaluated.exceptionDetails {
            throw DevToolsError(
                "the screenshots could not be compared: \(thrown.exception?.description ?? thrown.text)")
        }
        guard let text = evaluated.result.value,
            let figures = try? JSONDecoder().decode(Figures.self, from: Data(text.utf8)),
            let difference = Data(base64Encoded: figures.difference)
        else { throw DevToolsError("the browser gave no comparison of the screenshots") }
        return ImageComparison(
            ratio: figures.ratio, width: figures.width, height: figures.height, difference: difference)
    }

    private struct Evaluated: Decodable {
        struct Value: Decodable { let value: String? }
        struct Thrown: Decodable {
            struct Exception: Decodable { let description: String? }
            let text: String
            let exception: Exception?
        }
        let result: Value
        let exceptionDetails: Thrown?
    }
    private struct Figures: Decodable {
        let ratio: Double
        let width: Int
        let height: Int
        let difference: String
    }
}
