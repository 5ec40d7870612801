import Foundation

/// Finds files that ship beside the code (`migrations/`, `openapi.yaml`): an explicit setting,
/// then the working directory, then the folders above the executable (`.build/release/…`),
/// then `/usr/share/trackmycrime` (the container image).
public enum ProjectFiles {
    public static func locate(_ relativePath: String, explicit: URL?) -> URL? {
        let fm = FileManager.default
        if let explicit { return explicit }
        var candidates = [URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent(relativePath)]
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent(relativePath))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "/usr/share/trackmycrime").appendingPathComponent(relativePath))
        return candidates.first { fm.fileExists(atPath: $0.path) }
    }
}
