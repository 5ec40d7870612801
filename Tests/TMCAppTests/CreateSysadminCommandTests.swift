import Foundation
import TMCApp
import XCTest

final class CreateSysadminCommandTests: XCTestCase {
    func testArguments() throws {
        XCTAssertEqual(try CreateSysadminCommand.parse(["--email", "ops@x.example", "--name", "Ops", "--password-stdin"]),
                       .init(email: "ops@x.example", name: "Ops"))
        XCTAssertEqual(try CreateSysadminCommand.parse(["--password-stdin", "--email=ops@x.example", "--name=Ops Team"]),
                       .init(email: "ops@x.example", name: "Ops Team"))
        for bad in [["--email", "e@x.example", "--name", "N"], ["--email", "e@x.example", "--password-stdin"],
                    ["--name", "N", "--password-stdin"], ["--email", "e@x.example", "--name", "N", "--password-stdin", "--password", "x"],
                    ["--email"], ["--email", "e@x.example", "--name", "N", "--password-stdin", "extra"]] {
            XCTAssertThrowsError(try CreateSysadminCommand.parse(bad), "\(bad)") { XCTAssertTrue($0 is CommandUsageError) }
        }
    }

    func testThePasswordLosesOnlyOneTrailingNewline() {
        XCTAssertEqual(CreateSysadminCommand.password(fromStandardInput: Data("secret pass\n".utf8)), "secret pass")
        XCTAssertEqual(CreateSysadminCommand.password(fromStandardInput: Data("secret pass\r\n".utf8)), "secret pass")
        XCTAssertEqual(CreateSysadminCommand.password(fromStandardInput: Data(" secret pass \n\n".utf8)), " secret pass \n")
    }

    func testInvalidInputIsRefusedBeforeTouchingTheDatabase() async {
        var configuration = AppConfiguration()
        configuration.databaseURL = "postgresql://nobody@127.0.0.1:1/none"
        do {
            _ = try await CreateSysadminCommand.run(["--email", "bad", "--name", "Ops", "--password-stdin"], configuration: configuration,
                                                    standardInput: { Data("short".utf8) })
            XCTFail("accepted")
        } catch let error as CommandUsageError {
            XCTAssertTrue(error.message.contains("email"))
            XCTAssertTrue(error.message.contains("password"))
        } catch {
            XCTFail("\(error)")
        }
    }
}
