#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HookTools

/// The gateway's TLS certificate: self-signed, made by the leader with `openssl`, pinned by nodes by fingerprint.
struct Certificate {
  let system: System
  let paths: Paths

  /// Ten years: nodes pin the certificate itself, so expiry adds no safety, and a new leader makes a new one.
  static let validDays = 3650

  /// Returns the SHA-256 fingerprint of the certificate for `address`, making a new certificate and key first
  /// when there is none or the existing one was made for another address.
  /// - Throws: `SystemError` when openssl fails or the files cannot be written.
  func ensure(address: String) throws -> String {
    if let pem = system.readFile(paths.certificate),
      String(decoding: system.readFile(paths.certificateAddress) ?? [], as: UTF8.self) == address,
      let fingerprint = Self.fingerprint(pem: pem), system.readFile(paths.certificateKey) != nil
    {
      return fingerprint
    }

    try system.ensureDirectory(paths.tlsDirectory, mode: 0o750, owner: CharmIdentity.user)
    let newKey = paths.certificateKey + ".new"
    let newCertificate = paths.certificate + ".new"
    let output = try system.run(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", String(Self.validDays), "-subj", "/CN=openclaw-gateway",
        "-addext", "subjectAltName=IP:\(address)", "-keyout", newKey, "-out", newCertificate,
      ],
      environment: ["PATH": "/usr/bin:/bin"], timeoutSeconds: 60)
    guard output.status == 0, let pem = system.readFile(newCertificate), let fingerprint = Self.fingerprint(pem: pem)
    else {
      _ = try? system.removeFile(newKey)
      _ = try? system.removeFile(newCertificate)
      throw SystemError.commandFailed(
        command: "openssl req -x509 (gateway certificate)", status: output.status, stderr: output.stderrText)
    }

    // The key is written again through writeFile so it is owned by the service user with mode 0600.
    let key = String(decoding: system.readFile(newKey) ?? [], as: UTF8.self)
    _ = try system.removeFile(newKey)
    _ = try system.removeFile(newCertificate)
    _ = try system.writeFile(ManagedFile(path: paths.certificateKey, content: key, mode: 0o600, owner: CharmIdentity.user))
    _ = try system.writeFile(
      ManagedFile(path: paths.certificate, content: String(decoding: pem, as: UTF8.self), mode: 0o644, owner: CharmIdentity.user))
    _ = try system.writeFile(ManagedFile(path: paths.certificateAddress, content: address, mode: 0o644, owner: "root"))
    return fingerprint
  }

  /// Returns the lowercase hex SHA-256 of the first certificate's DER bytes in `pem`, as `--tls-fingerprint` takes it.
  static func fingerprint(pem: [UInt8]) -> String? {
    let text = String(decoding: pem, as: UTF8.self)
    guard let begin = text.firstRange(of: "-----BEGIN CERTIFICATE-----"),
      let end = text[begin.upperBound...].firstRange(of: "-----END CERTIFICATE-----")
    else { return nil }
    let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
    guard let der = Data(base64Encoded: String(body)), !der.isEmpty else { return nil }
    return SHA256.hex(Array(der))
  }
}
