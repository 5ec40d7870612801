import Foundation
@testable import TMCApp
import XCTest

/// The hand-written JSON of a message must equal `JSONEncoder`'s, byte for byte.
final class MessageViewJSONTests: XCTestCase {
    func testHandWrittenJSONEqualsJSONEncoder() {
        let texts = ["plain", "quote \" backslash \\ slash / tab \t newline \n cr \r", "bell \u{07} \u{1F} del \u{7F}",
                     "unicode: café 🚲 \u{2028} \u{2029}", ""]
        let dates = [Date(timeIntervalSince1970: 1_796_000_000), Date(timeIntervalSince1970: 1_796_000_000.123456),
                     Date(timeIntervalSince1970: -86_399.25)]
        for text in texts {
            for at in dates {
                for role in [Role.victim, .officer, .supervisor] {
                    let m = MessageRecord(id: UUID(), caseID: UUID(), forceID: UUID(), victimID: UUID(), position: 3, senderID: UUID(),
                                          senderRole: role, senderName: "Name \(text)", body: text, createdAt: at)
                    for view in [MessageView.shared(m), MessageView(m, showStaffSenderID: true)] {
                        XCTAssertEqual(String(decoding: view.jsonBytes, as: UTF8.self), String(decoding: JSON.encodeBytes(view), as: UTF8.self))
                    }
                }
            }
        }
    }
}
