import CLFPVM
import Testing
