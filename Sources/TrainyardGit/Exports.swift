/// `ChildProcess` lives in its own module so that other adapters (the browser check) can start
/// programs without depending on git; git's users keep seeing it here.
@_exported import TrainyardSpawn
