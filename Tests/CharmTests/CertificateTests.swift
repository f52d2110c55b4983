#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import Charm

/// The fingerprint nodes pin equals what `openssl x509 -fingerprint -sha256` prints for the same certificate.
@Suite struct CertificateTests {
  @Test func fingerprintMatchesOpenSSL() throws {
    var template = Array("/tmp/certificate-test-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    defer { _ = system("rm -rf '\(directory)'") }
    let status = system(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=test "
        + "-keyout '\(directory)/key' -out '\(directory)/crt' 2>/dev/null && openssl x509 -in '\(directory)/crt' "
        + "-noout -fingerprint -sha256 > '\(directory)/fingerprint'")
    try #require(status == 0)

    let pem = try #require(HostSystem().readFile(directory + "/crt"))
    let expected = String(decoding: HostSystem().readFile(directory + "/fingerprint") ?? [], as: UTF8.self)
      .split(separator: "=").last.map { $0.filter(\.isHexDigit).lowercased() }
    #expect(Certificate.fingerprint(pem: pem) == expected)
  }

  @Test func fingerprintOfGarbageIsNil() {
    #expect(Certificate.fingerprint(pem: Array("not a certificate".utf8)) == nil)
    #expect(Certificate.fingerprint(pem: Array("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----".utf8)) == nil)
  }

  @Test func sha256KnownVectors() {
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let million = String(repeating: "a", count: 1_000_000)
    #expect(SHA256.hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }
}
