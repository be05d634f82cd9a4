//! Values: cell text read as dates, money, probabilities, booleans and ids — decided per column, stated,
//! reversible.
