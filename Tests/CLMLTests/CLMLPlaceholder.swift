import CLML
import Testing
