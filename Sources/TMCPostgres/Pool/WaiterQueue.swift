/// A FIFO queue with removal by id (for timeouts and cancellation). Removal leaves a hole that
/// `popFirst` skips, so every operation is amortised O(1) except the rare removal's search.
struct WaiterQueue<Element> {
    private var storage: [(id: Int, element: Element)?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(id: Int, _ element: Element) {
        storage.append((id, element))
        count += 1
    }

    /// The oldest element still queued.
    var first: (id: Int, element: Element)? {
        var i = head
        while i < storage.count {
            if let entry = storage[i] { return entry }
            i += 1
        }
        return nil
    }

    mutating func popFirst() -> (id: Int, element: Element)? {
        while head < storage.count {
            let entry = storage[head]
            storage[head] = nil
            head += 1
            if let entry {
                count -= 1
                compactIfNeeded()
                return entry
            }
        }
        compactIfNeeded()
        return nil
    }

    mutating func remove(id: Int) -> Element? {
        guard let index = storage[head...].firstIndex(where: { $0?.id == id }), let entry = storage[index] else { return nil }
        storage[index] = nil
        count -= 1
        compactIfNeeded()
        return entry.element
    }

    mutating func removeAll() -> [Element] {
        let all = storage[head...].compactMap { $0?.element }
        storage.removeAll(keepingCapacity: true)
        head = 0
        count = 0
        return all
    }

    private mutating func compactIfNeeded() {
        if count == 0 {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
