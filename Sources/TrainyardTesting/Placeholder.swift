enum Placeholder_TrainyardTesting {}
