import Dispatch
import Foundation
import TMCApp

enum ServeCommand {
    static func run(configuration: AppConfiguration) async throws -> Int32 {
        let app = try Application(configuration: configuration)
        let applied = try await app.migrate()
        if !applied.isEmpty { app.dependencies.logger.info("migrated", ["applied": applied.map(String.init).joined(separator: ",")]) }
        try await app.start()
        let signal = await waitForTerminationSignal()
        app.dependencies.logger.info("shutting down", ["signal": signal])
        await app.shutdown()
        app.dependencies.logger.info("stopped")
        return 0
    }

    /// Suspends until SIGTERM or SIGINT arrives; returns its name.
    static func waitForTerminationSignal() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let queue = DispatchQueue(label: "signals")
            let once = SignalOnce(continuation)
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                Foundation.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { once.fire(name) }
                source.resume()
                SignalOnce.keep(source)
            }
        }
    }
}

/// Resumes the waiting task once, whichever signal comes first.
private final class SignalOnce: @unchecked Sendable {
    // Only touched on the serial "signals" queue.
    private var continuation: CheckedContinuation<String, Never>?
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }

    func fire(_ name: String) {
        continuation?.resume(returning: name)
        continuation = nil
    }

    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}
