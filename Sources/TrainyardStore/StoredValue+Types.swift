import TrainyardCore
import TrainyardEngine

// The formats this build writes. Format 0 is the bare JSON of releases before formats.

extension Delivery: StoredValue {
    public static var storedFormat: Int { 1 }
}

extension Train: StoredValue {
    public static var storedFormat: Int { 1 }
}

extension TrainAction: StoredValue {
    public static var storedFormat: Int { 1 }
}

extension TrainID: StoredValue {
    public static var storedFormat: Int { 1 }
}

extension Decision: StoredValue {
    public static var storedFormat: Int { 1 }
}

extension Schedule: StoredValue {
    public static var storedFormat: Int { 1 }
}

extension ReviewApps: StoredValue {
    public static var storedFormat: Int { 1 }
}
