import CLDispute
import Testing
