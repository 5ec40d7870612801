/// The `HTTPStreamWriter` of one streamed response: hops to the connection's loop (a no-op when
/// the stream already runs there, as it normally does) and queues the bytes as one chunk.
struct HTTPConnectionStreamWriter: HTTPStreamWriter {
    let connection: HTTPConnection
    let id: Int

    func write(_ bytes: [UInt8]) async throws {
        let connection = self.connection, id = self.id
        let result: Result<Void, HTTPStreamError> = await connection.loop.perform {
            do throws(HTTPStreamError) {
                try connection.streamWrite(bytes, id: id)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }
}
