import CLEVM
import Testing
