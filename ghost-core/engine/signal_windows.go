package engine

// sigCont: Windows has no stopped processes to resume.
const sigCont = 0
