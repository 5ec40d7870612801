import XCTest
@testable import TMCApp

final class WakeSignalTests: XCTestCase {
    func testASignalSentBeforeTheWaitIsNotLost() async {
        let signal = WakeSignal()
        signal.signal()
        let start = ContinuousClock.now
        await signal.wait(timeout: .seconds(5))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(1))
    }

    func testWithoutASignalTheWaitLastsItsTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(300))
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(250))
    }

    /// A wait ended by a signal cancels its timer; the cancelled timer must not wake the next
    /// wait (that made the event hub's loops spin when idle).
    func testAWaitEndedBySignalDoesNotWakeTheNextOne() async {
        let signal = WakeSignal()
        signal.signal()
        await signal.wait(timeout: .seconds(5))
        try? await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(400))
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(350))
    }
}
