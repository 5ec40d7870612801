import XCTest
@testable import TMCPostgres

/// The pool's decisions, step by step, without I/O: connections and waiters are plain values.
final class PoolStateMachineTests: XCTestCase {
    typealias Machine = PoolStateMachine<String, String>

    func testOpensLazilyUpToSizeAndServesFIFO() {
        var m = Machine(maxSize: 2)
        guard case .wait(connect: true) = m.acquire(id: 1, waiter: "w1", deadline: 100) else { return XCTFail() }
        guard case .wait(connect: true) = m.acquire(id: 2, waiter: "w2", deadline: 100) else { return XCTFail() }
        // Full: the third waits without opening a third connection.
        guard case .wait(connect: false) = m.acquire(id: 3, waiter: "w3", deadline: 100) else { return XCTFail() }
        XCTAssertEqual(m.statistics, PostgresPoolStatistics(size: 2, inUse: 0, idle: 0, waiting: 3))
        guard case .lend("c1", to: "w1") = m.connectSucceeded("c1") else { return XCTFail() }
        guard case .lend("c2", to: "w2") = m.connectSucceeded("c2") else { return XCTFail() }
        XCTAssertEqual(m.statistics, PostgresPoolStatistics(size: 2, inUse: 2, idle: 0, waiting: 1))
        guard case .lend("c2", to: "w3") = m.release("c2", reusable: true) else { return XCTFail() }
        guard case .keepIdle = m.release("c1", reusable: true) else { return XCTFail() }
        guard case .keepIdle = m.release("c2", reusable: true) else { return XCTFail() }
        XCTAssertEqual(m.statistics, PostgresPoolStatistics(size: 2, inUse: 0, idle: 2, waiting: 0))
        // The most recently returned connection is lent first.
        XCTAssertEqual(m.lendIdle(), "c2")
        guard case .lend("c1") = m.acquire(id: 4, waiter: "w4", deadline: 100) else { return XCTFail() }
        XCTAssertNil(m.lendIdle())
    }

    func testOnlyOneConnectPerWaiter() {
        var m = Machine(maxSize: 10)
        guard case .wait(connect: true) = m.acquire(id: 1, waiter: "w1", deadline: 100) else { return XCTFail() }
        _ = m.connectSucceeded("c1")
        XCTAssertEqual(m.inUse, 1)
        guard case .wait(connect: true) = m.acquire(id: 2, waiter: "w2", deadline: 100) else { return XCTFail() }
        // Returned before the connect finished: w2 takes c1, the new connection will go idle.
        guard case .lend("c1", to: "w2") = m.release("c1", reusable: true) else { return XCTFail() }
        guard case .keepIdle = m.connectSucceeded("c2") else { return XCTFail() }
        XCTAssertEqual(m.statistics, PostgresPoolStatistics(size: 2, inUse: 1, idle: 1, waiting: 0))
    }

    func testBrokenConnectionIsClosedAndReplacedForAWaiter() {
        var m = Machine(maxSize: 1)
        _ = m.acquire(id: 1, waiter: "w1", deadline: 100)
        _ = m.connectSucceeded("c1")
        guard case .wait(connect: false) = m.acquire(id: 2, waiter: "w2", deadline: 100) else { return XCTFail() }
        guard case .close("c1", connect: true) = m.release("c1", reusable: false) else { return XCTFail() }
        XCTAssertEqual(m.statistics, PostgresPoolStatistics(size: 1, inUse: 0, idle: 0, waiting: 1))
        guard case .lend("c2", to: "w2") = m.connectSucceeded("c2") else { return XCTFail() }
        // Broken with nobody waiting: closed, nothing opened until the next demand.
        guard case .close("c2", connect: false) = m.release("c2", reusable: false) else { return XCTFail() }
        XCTAssertEqual(m.total, 0)
    }

    func testConnectFailureFailsWaitersNoOtherConnectCanServe() {
        var m = Machine(maxSize: 2)
        _ = m.acquire(id: 1, waiter: "w1", deadline: 100)
        _ = m.acquire(id: 2, waiter: "w2", deadline: 100)
        _ = m.acquire(id: 3, waiter: "w3", deadline: 100)
        XCTAssertEqual(m.connecting, 2)
        // One connect still pending keeps one waiter; the others fail now.
        XCTAssertEqual(m.connectFailed(), ["w1", "w2"])
        XCTAssertEqual(m.connectFailed(), ["w3"])
        XCTAssertEqual(m.statistics, PostgresPoolStatistics(size: 0, inUse: 0, idle: 0, waiting: 0))
        // The next demand tries again.
        guard case .wait(connect: true) = m.acquire(id: 4, waiter: "w4", deadline: 100) else { return XCTFail() }
    }

    func testTimeoutsExpireInOrder() {
        var m = Machine(maxSize: 1)
        _ = m.acquire(id: 1, waiter: "w1", deadline: 10)
        _ = m.connectSucceeded("c1")
        _ = m.acquire(id: 2, waiter: "w2", deadline: 20)
        _ = m.acquire(id: 3, waiter: "w3", deadline: 30)
        XCTAssertEqual(m.expire(now: 19), [])
        XCTAssertEqual(m.expire(now: 25), ["w2"])
        XCTAssertEqual(m.waitingCount, 1)
        guard case .lend("c1", to: "w3") = m.release("c1", reusable: true) else { return XCTFail() }
        XCTAssertEqual(m.expire(now: 1000), [])
    }

    func testCancelRemovesOnlyThatWaiter() {
        var m = Machine(maxSize: 1)
        _ = m.acquire(id: 1, waiter: "w1", deadline: 100)
        _ = m.connectSucceeded("c1")
        _ = m.acquire(id: 2, waiter: "w2", deadline: 100)
        _ = m.acquire(id: 3, waiter: "w3", deadline: 100)
        XCTAssertEqual(m.cancel(id: 2), "w2")
        XCTAssertNil(m.cancel(id: 2))
        XCTAssertNil(m.cancel(id: 1)) // already served
        guard case .lend("c1", to: "w3") = m.release("c1", reusable: true) else { return XCTFail() }
    }

    func testShutdownFailsWaitersAndClosesEverything() {
        var m = Machine(maxSize: 3)
        _ = m.acquire(id: 1, waiter: "w1", deadline: 100)
        _ = m.acquire(id: 2, waiter: "w2", deadline: 100)
        _ = m.connectSucceeded("c1")
        _ = m.connectSucceeded("c2")
        guard case .keepIdle = m.release("c2", reusable: true) else { return XCTFail() }
        _ = m.acquire(id: 3, waiter: "w3", deadline: 100) // takes c2
        _ = m.acquire(id: 4, waiter: "w4", deadline: 100) // opens c3
        let (close, fail) = m.shutdown()
        XCTAssertEqual(close, [])
        XCTAssertEqual(fail, ["w4"])
        guard case .close("c1", connect: false) = m.release("c1", reusable: true) else { return XCTFail() }
        guard case .close("c3") = m.connectSucceeded("c3") else { return XCTFail() }
        guard case .fail = m.acquire(id: 5, waiter: "w5", deadline: 100) else { return XCTFail() }
        XCTAssertNil(m.lendIdle())
    }

    func testWaiterQueueCompactsAndKeepsOrder() {
        var q = WaiterQueue<Int>()
        for i in 0..<200 { q.append(id: i, i) }
        XCTAssertEqual(q.remove(id: 150), 150)
        var seen: [Int] = []
        while let next = q.popFirst() { seen.append(next.element) }
        XCTAssertEqual(seen, (0..<200).filter { $0 != 150 })
        XCTAssertTrue(q.isEmpty)
    }
}
