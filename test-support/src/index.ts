// Helpers shared by the pushwire test suites.
export {};
