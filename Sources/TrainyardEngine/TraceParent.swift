import Instrumentation
import ServiceContextModule
import Tracing

/// W3C trace context (`traceparent`) carried through the store, so the span of a stored
/// delivery's application continues the trace of the request that brought it, and the span of an
/// action continues the trace of the event that decided it: one trace from a webhook to the forge
/// calls, pushes and landing it leads to. Nothing is carried while no tracer is set up
/// (`tracing` off).
public enum TraceParent {
    /// The trace to write with the outbox rows of a commit (set around the commit by the engine,
    /// read by the stores).
    @TaskLocal public static var forActions: String?

    /// The current context's `traceparent`, if a tracer is set up and a span is open.
    public static func current() -> String? {
        guard let context = ServiceContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: Carrier())
        return carrier["traceparent"]
    }

    /// A context whose parent is the span `traceparent` names (the top level without one).
    public static func context(_ traceparent: String?) -> ServiceContext {
        var context = ServiceContext.topLevel
        guard let traceparent else { return context }
        InstrumentationSystem.instrument.extract(["traceparent": traceparent], into: &context, using: Carrier())
        return context
    }

    struct Carrier: Injector, Extractor {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
            carrier[key] = value
        }

        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }
}
