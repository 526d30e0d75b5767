import CLABI
import Testing
