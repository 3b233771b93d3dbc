//! Guided prompts offered on the new-entry page. Reflection in a fixed
//! order (event, thought, action, takeaway) follows the classic CBT diary.

/// The built-in prompts, in the order they are shown.
pub const GUIDED_PROMPTS: [&str; 4] = [
    "What happened?",
    "What went through my mind?",
    "What did I do?",
    "What would I like to remember for my next session?",
];
