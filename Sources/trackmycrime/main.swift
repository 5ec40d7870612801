import Foundation
import TMCApp

// Only wiring: read the command line and environment, then hand over to TMCApp.
signal(SIGPIPE, SIG_IGN)

let arguments = Array(CommandLine.arguments.dropFirst())
let exitCode = await CommandLineInterface.run(arguments)
LogSink.standardOutput.flush()
exit(exitCode)
