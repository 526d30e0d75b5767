import CLCrypto
import Testing
