package citizen

// BookingStore is what the appointments' use cases keep on central.
// (Owned by the appointments work of issue 18 §3.)
type BookingStore interface{}
