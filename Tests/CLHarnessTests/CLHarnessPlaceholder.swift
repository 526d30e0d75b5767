import CLHarness
import Testing
